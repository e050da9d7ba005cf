/**
 * Photos made small on the phone before they travel: long edge about 2,048 px (plenty to judge a
 * wall or a roof, a tenth of the bytes of a phone camera's original), re-encoded as JPEG, with the
 * original's EXIF (capture time, GPS) copied into the result, because the server's evidence checks
 * read them. Both libraries load only when a photo is taken.
 */
export const LONG_EDGE_PX = 2048;
const MAX_SIZE_MB = 1.5;

function binaryString(bytes: Uint8Array): string {
  let text = '';
  // Chunks: String.fromCharCode with a whole photo as arguments would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return text;
}

function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** The original's EXIF in the compressed JPEG: the pixels were turned upright, so Orientation is 1. */
export async function copyExif(original: Blob, compressed: Blob): Promise<Blob> {
  const { default: piexif } = await import('piexifjs');
  let exif: ReturnType<typeof piexif.load>;
  try {
    exif = piexif.load(binaryString(new Uint8Array(await original.arrayBuffer())));
  } catch {
    return compressed;
  }
  // The embedded thumbnail shows the old pixels and only adds bytes.
  exif.thumbnail = null as unknown as string;
  exif['1st'] = {};
  exif['0th'] = { ...(exif['0th'] ?? {}), [piexif.ImageIFD.Orientation]: 1 };
  const inserted = piexif.insert(piexif.dump(exif), binaryString(new Uint8Array(await compressed.arrayBuffer())));
  return new Blob([bytesOf(inserted)], { type: 'image/jpeg' });
}

export interface CompressedPhoto {
  blob: Blob;
  contentType: string;
}

/**
 * The photo as it is uploaded. A format the browser cannot draw (HEIC on most phones) or a
 * failure of the compression goes up as taken: a photo is never lost for the sake of its size.
 */
export async function compressPhoto(file: Blob, contentType: string): Promise<CompressedPhoto> {
  if (!['image/jpeg', 'image/png', 'image/webp'].includes(contentType)) return { blob: file, contentType };
  try {
    const { default: imageCompression } = await import('browser-image-compression');
    const compressed = await imageCompression(file as File, {
      maxWidthOrHeight: LONG_EDGE_PX,
      maxSizeMB: MAX_SIZE_MB,
      fileType: 'image/jpeg',
      initialQuality: 0.85,
      // The worker would load the library from a CDN: the phone may have no network.
      useWebWorker: false,
    });
    if (compressed.size >= file.size && contentType === 'image/jpeg') return { blob: file, contentType };
    const withExif = contentType === 'image/jpeg' ? await copyExif(file, compressed) : compressed;
    return { blob: withExif, contentType: 'image/jpeg' };
  } catch {
    return { blob: file, contentType };
  }
}
