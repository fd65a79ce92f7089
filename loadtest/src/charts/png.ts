/** SVG to PNG with resvg (prebuilt native binaries shipped as npm packages), using the system's fonts. */
import { Resvg } from '@resvg/resvg-js';

/** Rasterizes `svg` at its own size (scaled by `zoom`). */
export function svgToPng(svg: string, zoom = 1): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
