// nnfs-tools: the labs' build and test tooling, outside the engine package. It uses the engine
// only through its public API (`nnfs`), as the notebooks do.
export { studentVersion, sourceProblems, stubbed, sourceLines, notebookText } from "./notebook_release";
export {
  LAB_PARAMETERS,
  checkLabParameters,
  declarations,
  declaredParameters,
  parametersCellIndex,
  injectedSource,
  injections,
  planParameters,
} from "./lab_parameters";
export type { LabParameter, Declaration, Injection, ParameterPlan } from "./lab_parameters";
export { exportChartPagesToPng, saveChartPng, CHART_PNG_SIZE } from "./export_png";
