/**
 * The ladder diagram as a file: a standalone SVG (the theme's colours written into each
 * element, since the file has no stylesheet) and a PNG drawn from that SVG. Colours are set as
 * SVG presentation attributes, never as style attributes, so the page's strict CSP holds.
 */
import { i18n } from '../i18n';

const PAINTED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family', 'font-weight', 'opacity'] as const;

export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((el, i) => {
    const style = getComputedStyle(el);
    const inherited = el === svg ? undefined : getComputedStyle(el.parentElement!);
    for (const property of PAINTED) {
      const value = style.getPropertyValue(property);
      // Written where it differs from what the element inherits: the file stays readable.
      if (value && value !== inherited?.getPropertyValue(property)) copies[i].setAttribute(property, value);
    }
    copies[i].removeAttribute('class');
    for (const name of [...copies[i].getAttributeNames()]) if (name.startsWith('data-')) copies[i].removeAttribute(name);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The SVG drawn on a canvas at twice its size, as a PNG. Its errors are shown to the user, so they are in the UI's language. */
export async function pngOf(svgText: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;base64,${base64(new TextEncoder().encode(svgText))}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const context = canvas.getContext('2d');
  if (!context) throw new Error(i18n.t('diagnostics:ladder.noCanvas'));
  context.scale(2, 2);
  context.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(i18n.t('diagnostics:ladder.notDrawn')))), 'image/png'),
  );
}

/** Base64 of bytes, in slices (a spread of a whole diagram's bytes would overflow the stack). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
