// Minimal PNG encoding for grayscale images (reconstruction grids, learned filters):
// 8-bit gray, no interlacing, one zlib stream. Enough for real .png files any viewer
// opens, without a browser or an image library.
import * as zlib from "zlib";
import { concatBytes } from "../bytes";

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeAndData = out.subarray(4, 8 + data.length);
  typeAndData.set(Buffer.from(type, "ascii"), 0);
  typeAndData.set(data, 4);
  view.setUint32(8 + data.length, zlib.crc32(typeAndData)); // CRC-32 of ISO 3309, as PNG chunks require
  return out;
}

/**
 * Encodes a grayscale image as PNG.
 * @param pixels height·width values in [0, 1] (clamped), row-major; 0 is black
 */
export function encodeGrayPng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== width * height) {
    throw new Error(`encodeGrayPng: ${pixels.length} pixels do not make a ${width}×${height} image`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit depth, grayscale, deflate, adaptive filter, no interlace
  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0, then the pixels
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      raw[y * (width + 1) + 1 + x] = Number.isNaN(v) ? 0 : Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  const parts = [SIGNATURE, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", new Uint8Array(0))];
  return concatBytes(...parts);
}
