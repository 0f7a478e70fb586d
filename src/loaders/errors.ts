/** A guest image that cannot be loaded; the message names what is wrong. */
export class ImageError extends Error {
  override readonly name = "ImageError";
}
