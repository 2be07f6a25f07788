/**
 * The PDF's fonts: DejaVu Sans TrueType from the `dejavu-fonts-ttf` npm package (a dependency, so every install has
 * it; it covers Bahasa Indonesia and far more). pdfkit embeds a subset of each. TrueType, not the WOFF of
 * @fontsource/dejavu-sans: pdfkit embeds that too, but laid out a page 5-10 times slower here. Checked at boot: a
 * missing file stops the server with its path instead of failing the first report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
}

const FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
};

export function loadPdfFonts(): PdfFonts {
  const require = createRequire(import.meta.url);
  const load = (spec: string) => {
    let file: string;
    try {
      file = require.resolve(spec);
    } catch {
      throw new Error(`PDF reports need the font ${spec} (npm package dejavu-fonts-ttf): run npm install`);
    }
    if (!existsSync(file)) throw new Error(`PDF reports need the font file ${file}: run npm install`);
    return readFileSync(file);
  };
  return { regular: load(FILES.regular), bold: load(FILES.bold) };
}
