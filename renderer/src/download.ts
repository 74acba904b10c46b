/**
 * Fetches a one-time download URL of the engine (serve mode) through an <a download>: the browser saves the
 * file itself, and no script has to hold the bytes.
 */
export function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
