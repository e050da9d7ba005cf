/** The issuer has just sent the browser back to the console (with a code, or an error). */
export function isOidcCallback(): boolean {
  const params = new URLSearchParams(window.location.search);
  return params.has('code') || params.has('error');
}
