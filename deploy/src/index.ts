// deploy: helpers the deployment tests share (rendering the chart, finding and running tools).

export type { RenderedEntry, RenderedObject, TemplateOptions } from './chart.ts';
export { all, BASE_VALUES, helmTemplate, helmTemplateRaw, parseRendered, pick } from './chart.ts';
export { CHART_DIR, KEDA_DIR, OBSERVABILITY_DIR, OPERATOR_CRD, REPO_ROOT, TERRAFORM_DIR } from './paths.ts';
export type { RunResult, Tool } from './tools.ts';
export { helm, promtool, requireTool, run, runOk, tofu, tofuVersion } from './tools.ts';
