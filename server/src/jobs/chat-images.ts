import { AppError } from '../errors';

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** An image whose bytes were decoded and recognised. */
export interface CheckedImage {
  mime: ImageMime;
  bytes: Buffer;
}

export interface ImageLimits {
  /** Largest single image, in decoded bytes. */
  maxImageBytes: number;
  /** Most images in one request. */
  maxImages: number;
  /** Largest total of one request's images, in decoded bytes. */
  maxTotalBytes: number;
}

const DATA_URL = /^data:(image\/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/]*={0,2})$/;

const imageError = (message: string, reason: string) => new AppError('BAD_USER_INPUT', message, { reason });

/** The image type its first bytes announce (magic numbers), whatever the label says. */
export function sniffImage(bytes: Buffer): ImageMime | null {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Decodes a base64 data URL and checks that its bytes are an image of the type its label claims. */
export function decodeImage(url: string, maxImageBytes: number): CheckedImage {
  const match = DATA_URL.exec(url);
  if (!match?.[1] || match[2] === undefined)
    throw imageError('Images must be base64 data URLs of PNG, JPEG, WebP or GIF.', 'IMAGE_FORMAT');
  const base64 = match[2];
  // Refused by its length before anything is decoded.
  if (Math.floor((base64.length * 3) / 4) > maxImageBytes + 2)
    throw imageError(`An image is larger than ${maxImageBytes} bytes.`, 'IMAGE_TOO_LARGE');
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > maxImageBytes)
    throw imageError(`An image is larger than ${maxImageBytes} bytes.`, 'IMAGE_TOO_LARGE');
  // Only canonical base64 round-trips: the model and the export then see the very same data URL.
  if (bytes.toString('base64') !== base64) throw imageError('An image is not valid base64.', 'IMAGE_FORMAT');
  const mime = sniffImage(bytes);
  if (mime !== match[1])
    throw imageError(`An image labelled ${match[1]} is not a ${match[1].slice(6).toUpperCase()} image.`, 'IMAGE_TYPE');
  return { mime, bytes };
}

/** All images of one request: each checked by its bytes, with limits on their number and total size. */
export function decodeImages(urls: readonly string[], limits: ImageLimits): CheckedImage[] {
  if (urls.length > limits.maxImages)
    throw imageError(`At most ${limits.maxImages} images per request.`, 'TOO_MANY_IMAGES');
  let total = 0;
  return urls.map((url) => {
    const image = decodeImage(url, limits.maxImageBytes);
    total += image.bytes.length;
    if (total > limits.maxTotalBytes)
      throw imageError(`The images of one request are larger than ${limits.maxTotalBytes} bytes.`, 'IMAGES_TOO_LARGE');
    return image;
  });
}

export const toDataUrl = (image: { mime: string; bytes: Uint8Array }) =>
  `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}`;
