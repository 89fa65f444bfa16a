/** Longest side of a photo sent by the app, in pixels, and its JPEG quality. */
const PHOTO_MAX_SIDE = 1920;
const PHOTO_QUALITY = 0.85;

async function decode(file) {
    if (globalThis.createImageBitmap) {
        try {
            return await createImageBitmap(file, { imageOrientation: "from-image" });
        } catch {
            // not an image the browser can decode: the server will say so
        }
    }
    return null;
}

/**
 * The photo as base64 JPEG (no data: prefix), its longest side at most
 * PHOTO_MAX_SIDE px: a phone's 12-megapixel picture becomes a few hundred KB
 * before it is queued. A file the browser cannot decode is queued as it is,
 * so that the server's refusal ("not an image") is shown on that photo.
 */
export async function preparePhoto(file) {
    const bitmap = await decode(file);
    if (!bitmap) {
        return toBase64(file);
    }
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    bitmap.close?.();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
    return toBase64(blob);
}

function toBase64(blob) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(blob);
    });
}
