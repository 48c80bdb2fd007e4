// QR codes drawn on the server as SVG, so the set-up page shows one with or without JavaScript.
import QRCode from "qrcode";

/** An <img> source for the QR code of `text` (the page's CSP allows data: images). */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
