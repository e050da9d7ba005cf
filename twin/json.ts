/** A JSON object (not an array, not null): what a template property, an event or a payload is read as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
