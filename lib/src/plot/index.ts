export { figureHtml, plotlyBundleScript, standaloneHtml } from "./plotly";
export type { Figure, Trace } from "./plotly";
export { learningCurves, decisionGrid, decisionRegions, regressionFit, CLASS_COLORS } from "./charts";
export type { Grid } from "./charts";
export { setupCharts, showFigure, showHtml, saveFigure } from "./notebook";
export type { ShowOptions } from "./notebook";
export { htmlTable } from "./table";
