// The image under the pointer: a chart whose points stand for images (a UMAP of test
// codes) shows the hovered point's image in a panel beside it. Plotly's hover labels
// take text only, so the images travel as one PNG sprite sheet in the page and a small
// script copies the hovered tile onto a canvas.
import { Matrix } from "../tensor";
import { ShapeError } from "../errors";
import { tileImages } from "./image_grid";
import { encodeGrayPng } from "./png";

export interface HoverImages {
  /** URL of a grayscale PNG holding every tile, `columns` tiles per row, no gaps: a data: URL, or a file beside the page. */
  sprite: string;
  columns: number;
  count: number;
  tileWidth: number;
  tileHeight: number;
}

const COLUMNS = 100;
/** Panel canvas magnification: a 28×28 tile shows at 140×140. */
const PANEL_SCALE = 5;

/** Packs the rows of `images` (values in [0, 1], tileHeight·tileWidth each) for hovering. */
export function hoverImages(images: Matrix, tileWidth: number, tileHeight: number): HoverImages {
  if (images.cols !== tileWidth * tileHeight) throw new ShapeError(`hoverImages: rows of ${images.cols} values are not ${tileWidth}×${tileHeight} images`);
  if (images.rows === 0) throw new ShapeError("hoverImages: no images");
  const columns = Math.min(COLUMNS, images.rows);
  const grid = tileImages(images, { columns, tileWidth, tileHeight, gap: 0, scale: 1 });
  const png = encodeGrayPng(grid.pixels, grid.width, grid.height);
  return { sprite: `data:image/png;base64,${Buffer.from(png).toString("base64")}`, columns, count: images.rows, tileWidth, tileHeight };
}

/**
 * The panel beside a chart and the script that fills it on hover. A hovered point names
 * its tile in customdata[1] (and shows customdata[0], e.g. a test index, as a caption).
 */
export function hoverPanelHtml(plotId: string, images: HoverImages): { panel: string; attach: string } {
  const w = images.tileWidth * PANEL_SCALE;
  const h = images.tileHeight * PANEL_SCALE;
  const panel =
    `<div id="${plotId}-hover" class="nnfs-hover-image" style="flex: 0 0 ${w + 8}px; font: 12px sans-serif; color: #444">` +
    `<canvas width="${w}" height="${h}" style="border: 1px solid #ccc; background: #000"></canvas>` +
    `<div class="nnfs-hover-caption">hover a point to see its image</div></div>`;
  // Runs with gd = the drawn chart; everything it reads is data, never HTML.
  // Runs with gd = the drawn chart; everything it reads is data, never HTML. A hover that
  // comes before the sprite has decoded is drawn when it has.
  const attach =
    `  var sprite = new Image(), last = null;\n` +
    `  var panel = document.getElementById(${JSON.stringify(`${plotId}-hover`)});\n` +
    "  var canvas = panel.querySelector('canvas'), caption = panel.querySelector('.nnfs-hover-caption');\n" +
    "  function show(p) {\n" +
    "    var tile = p && p.customdata ? p.customdata[1] : null;\n" +
    `    if (typeof tile !== 'number' || tile < 0 || tile >= ${images.count}) return;\n` +
    "    last = p;\n" +
    "    caption.textContent = p.data.name + ' #' + p.customdata[0];\n" +
    "    if (!sprite.complete) return;\n" +
    "    var ctx = canvas.getContext('2d'); ctx.imageSmoothingEnabled = false;\n" +
    `    ctx.drawImage(sprite, (tile % ${images.columns}) * ${images.tileWidth}, Math.floor(tile / ${images.columns}) * ${images.tileHeight}, ${images.tileWidth}, ${images.tileHeight}, 0, 0, canvas.width, canvas.height);\n` +
    "  }\n" +
    "  sprite.onload = function () { if (last) show(last); };\n" +
    `  sprite.src = ${JSON.stringify(images.sprite)};\n` +
    "  gd.on('plotly_hover', function (ev) { show(ev.points[0]); });\n";
  return { panel, attach };
}
