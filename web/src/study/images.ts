/** The longest side of an image sent to the model, in pixels. */
export const MAX_IMAGE_SIDE = 512;
/** The largest data URL sent, in characters (the server's defaults: 1 MiB an image, 4 MiB a request). */
export const MAX_IMAGE_BYTES = 1_000_000;

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('This file is not an image the browser can read.'));
    };
    img.src = url;
  });
}

/**
 * Shrinks an image in the browser before it is sent: at most MAX_IMAGE_SIDE pixels on the longest
 * side, re-encoded as JPEG (lower quality until it fits MAX_IMAGE_BYTES). Returns a data URL.
 */
export async function shrinkImage(file: Blob): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error('Please choose an image file.');
  const img = await loadImage(file);
  const width = img.naturalWidth;
  const height = img.naturalHeight;
  if (!width || !height) throw new Error('This image is empty.');
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot resize images.');
  // JPEG has no transparency: a white background rather than black.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.85, 0.7, 0.55, 0.4, 0.25]) {
    const url = canvas.toDataURL('image/jpeg', quality);
    if (url.length <= MAX_IMAGE_BYTES) return url;
  }
  throw new Error('This image is too large even after shrinking it.');
}
