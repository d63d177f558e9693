/**
 * `@pixpnet/eval`: PixPNet's interpretability evaluation (spec §2.10, §6) — pixel-space maps of prototypes (exact
 * receptive fields, Gaussian RF heat maps, bicubic upsampling) behind a registry of heat-map methods; consistency
 * and stability of prototype boxes on part annotations, and their part-correctness where the class-defining parts
 * are named; the relevance ordering test (exact or fast) with its summaries and plot; explanation panels and the
 * prototype gallery; the analysis of Goldilocks sweeps (sweep CSVs, patch %, Pareto ranks, the scatter and
 * Pareto-front figures, front tables).
 *
 * @packageDocumentation
 */
export { readClassParts } from './class_parts.js';
export { rfHeatmaps, gaussianWindow } from './maps/gaussian.js';
export type { RfHeatmapOptions, RfHeatmaps } from './maps/gaussian.js';
export { upsampleBicubic } from './maps/bicubic.js';
export { naiveCenter, naiveMidpoints, rfCenter, argmaxCenter } from './maps/centers.js';
export { registerHeatmapMethod, heatmapMethod, heatmapMethodNames } from './maps/registry.js';
export type { HeatmapMethod, HeatmapInput } from './maps/registry.js';
export { forwardArrays, requireClassSpecific } from './forward.js';
export type { ForwardArrays } from './forward.js';
export { batchParts, describeOutside } from './parts.js';
export type { BatchPartsOptions, OutsidePart } from './parts.js';
export { BOX_METHODS, checkBoxMethods, boxAround, defaultBoxRadius, overlaps, partsInBox, prototypeCenters } from './metrics/boxes.js';
export type { Box, BoxMethod } from './metrics/boxes.js';
export { ConsistencyAccumulator, StabilityAccumulator, CONSISTENT, QUANTILES } from './metrics/consistency.js';
export type { ConsistencyOptions, PartMetric, StabilityOptions } from './metrics/consistency.js';
export { partMetrics } from './metrics/part_metrics.js';
export { PartCorrectnessAccumulator, PART_TOP_K } from './metrics/part_correctness.js';
export type { PartCorrectness } from './metrics/part_correctness.js';
export type { PartMetricsOptions, PartMetricsResult } from './metrics/part_metrics.js';
export { relevanceOrderingTest, checkRotParams, rotPlan, rotSamplePositions, ROT_DEFAULTS } from './rot/rot.js';
export type { RotParams, RotResult, RotRunOptions } from './rot/rot.js';
export { rotSteps } from './rot/steps.js';
export { rotArea, pctAtOrigSim } from './rot/summary.js';
export { evaluateInterpretability, planEvaluation, checkInterpretabilityOptions, interpretabilityRecord, METRICS } from './evaluate.js';
export type { EvaluationInput, InterpretabilityOptions, InterpretabilityResult, MetricName, PartCorrectnessScores, PartScores, RotScores } from './evaluate.js';
export { meanRfPct, renderRotPlot, rotPlotSpec } from './rot/plot.js';
export type { RotCurve } from './rot/plot.js';
export { rotCacheKey, readRotCache, writeRotCache } from './rot/cache.js';
export { explainImage, contributions, checkExplainOptions, EXPLAIN_SORTS } from './explain/explain.js';
export type { Explanation, ExplainOptions, ExplainSort, PrototypeEvidence } from './explain/explain.js';
export { renderExplanationPanel, sig3, MIN_CELL } from './explain/panel.js';
export type { PanelInput } from './explain/panel.js';
export { denormalise, crop, scaleNearest, overlayHeatmap } from './explain/image.js';
export { prototypePatches, prototypeBox, displayImage } from './explain/patches.js';
export { explainItems } from './explain/run.js';
export type { ExplainItem, ExplainContext, PanelRecord } from './explain/run.js';
export { prototypeGallery, renderPrototypeGallery, partsInside, partsCaption } from './explain/gallery.js';
export type { GalleryEntry, GalleryParts } from './explain/gallery.js';
export { reportHtml, REPORT_CSP } from './report/html.js';
export type { ReportInput } from './report/html.js';
export { trainingCurvesSpec, trainingCurvesSvg } from './report/curves.js';
export { readRunRotFigure, runRotFigureSvg } from './report/rot_figure.js';
export type { RunRotFigure } from './report/rot_figure.js';
export { vegaLiteSvg } from './rot/plot.js';
export { readSweepCsv, REFERENCE_COLUMNS, SWEEP_COLUMNS } from './sweep/csv.js';
export type { SweepCsv, SweepRow } from './sweep/csv.js';
export { naturalCompare, compareSweepRows } from './sweep/natural.js';
export { paretoRanks, dominates } from './sweep/pareto.js';
export type { ParetoPoint } from './sweep/pareto.js';
export { zooPatchPcts } from '@pixpnet/symbolic';
export { analyzeSweep, paretoFront, skipReason, sweepRowsJson } from './sweep/analyze.js';
export type { AnalyzedSweepRow, AnalyzeSweepOptions, PatchPctResolver, SweepAnalysis, SweepRowJson } from './sweep/analyze.js';
export { placeFrontLabels, labelsOverlap, labelWidth } from './sweep/labels.js';
export type { LabelPoint, PlacedLabel, LabelGeometry } from './sweep/labels.js';
export { sweepScatterSpec, sweepParetoSpec, renderSweepPlots, frontPanelLayout, frontModelName, logDomain, FRONT_X_TITLE, SCATTER_X_TITLE, Y_TITLE } from './sweep/plot.js';
export type { FrontPanelLayout } from './sweep/plot.js';
export { paretoFrontMarkdown, paretoFrontLatex, frontTableRows, formatPct, latexEscape, FRONT_TABLE_HEADER } from './sweep/tables.js';
export type { FrontTableRow } from './sweep/tables.js';
export { readInterpretabilityFile, INTERPRETABILITY_SCHEMA, MAX_INTERPRETABILITY_BYTES } from './interpretability_file.js';
export type { InterpretabilityRecord } from './interpretability_file.js';
export { collapseReasons } from './collapse.js';
/** What an evaluation will cost before it starts. */
export { evaluationCost, measureForwardRate } from './cost.js';
export type { EvaluationCost } from './cost.js';
export type { CollapseOptions } from './collapse.js';
export { EXPERIMENT_COLUMNS, EXPERIMENT_MAPPINGS, EXPERIMENT_ROT_METHODS, summarizeExperiment, runsCsv, summaryCsv, meanSd, formatMeanSd } from './experiment/summary.js';
export type { ExperimentRun, ExperimentSummary } from './experiment/summary.js';
export { EXPERIMENT_PANELS, experimentPlotSpec, renderExperimentPlot } from './experiment/plot.js';
export { experimentReportHtml } from './experiment/report.js';
export type { ExperimentReportInput } from './experiment/report.js';
