// Lab 2C's hover check in JupyterLab: hovering a point of the UMAP map shows, pixel for
// pixel, the test image it stands for. Not a general UI helper: those are in jupyter_ui.mjs.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./support.mjs";
import { startJupyter, uiMissing } from "./jupyter_server.mjs";
import { cellProblems, hoverPoint, launchBrowser, openNotebook, runAll } from "./jupyter_ui.mjs";

/**
 * Lab 2C (04-ae-umap.ipynb) in JupyterLab, on the artifacts of Labs 2A and 2B in `root`
 * (a quick run's NNFS_ROOT, default dataset): Run All succeeds, and hovering a point of the
 * UMAP map shows beside it, pixel for pixel, the test image that point stands for.
 */
export async function checkLab2cHoverInJupyterLab(t, root) {
  if (uiMissing(t, "lab")) return;
  const server = await startJupyter("lab", { root });
  const browser = await launchBrowser();
  try {
    server.add("04-ae-umap.ipynb", path.join(ROOT, "notebooks", "04-ae-umap.ipynb"));
    const { page, errors } = await openNotebook(browser, server, "04-ae-umap.ipynb");
    await runAll(page);
    assert.deepEqual(await cellProblems(page), []);
    const panel = page.locator(".nnfs-hover-image");
    assert.equal(await panel.count(), 1, "one map with an image panel");
    await hoverPoint(page, page.locator(".nnfs-plot"));
    const shown = await hoveredImage(page, panel);
    const [, className, testIndex] = /^(.*) #(\d+)$/.exec(shown.caption);
    const expected = testImage(Number(testIndex));
    assert.equal(className, expected.className, `caption "${shown.caption}" names the class of test image #${testIndex}`);
    assert.deepEqual(tilePixels(shown, expected.width, expected.height), expected.pixels, `the panel shows test image #${testIndex}`);
    assert.deepEqual(errors, []);
  } catch (err) {
    err.message += `\nJupyter server log (tail):\n${server.log()}`;
    throw err;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Waits until the hover panel (a .nnfs-hover-image locator) names a point and has drawn
 * an image; returns its caption and its canvas's pixels.
 */
async function hoveredImage(page, panel) {
  const canvas = await panel.locator("canvas").elementHandle();
  await page
    .waitForFunction(
      (canvas) =>
        /#\d+$/.test(canvas.parentNode.querySelector(".nnfs-hover-caption").textContent) &&
        canvas
          .getContext("2d")
          .getImageData(0, 0, canvas.width, canvas.height)
          .data.some((v, k) => k % 4 !== 3 && v > 0),
      canvas,
      { timeout: 10_000 },
    )
    .catch(async () => assert.fail(`hovering a point of the map drew no image (caption "${await panel.locator(".nnfs-hover-caption").textContent()}")`));
  return canvas.evaluate((c) => ({
    caption: c.parentNode.querySelector(".nnfs-hover-caption").textContent,
    width: c.width,
    height: c.height,
    rgba: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data),
  }));
}

/** Test image `index` of Fashion-MNIST (Lab 2C's default dataset) as gray bytes, and its class. */
function testImage(index) {
  const nn = createRequire(import.meta.url)("nnfs");
  const test = nn.loadImageDataset("fashion", "test", { limit: index + 1 });
  const row = test.x.row(index);
  return {
    width: test.width,
    height: test.height,
    className: nn.DATASETS.fashion.classNames[test.y[index]],
    pixels: Array.from(row, (v) => Math.round(255 * Math.min(1, Math.max(0, v)))),
  };
}

/** The gray value at the centre of each of the width×height blocks a magnified tile fills on `canvas`. */
function tilePixels(canvas, width, height) {
  const sx = canvas.width / width;
  const sy = canvas.height / height;
  const pixels = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.push(canvas.rgba[4 * (Math.floor((y + 0.5) * sy) * canvas.width + Math.floor((x + 0.5) * sx))]);
  }
  return pixels;
}
