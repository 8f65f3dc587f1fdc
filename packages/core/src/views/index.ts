export type * from './view-types.js';
export {
  defineView,
  queryView,
  type BuiltinReduce,
  type Emit,
  type ReduceFunction,
  type ReducedValue,
  type TypedViewOptions,
  type TypedViewResponse,
  type ViewSpec,
  type ViewSpecInput,
  type ViewStats,
} from './define-view.js';
export { designDocument, designDocumentsOfViews, deployDesignDocuments, type DeployResult, type DesignFunctions } from './design-documents.js';
export { functionSource, mapSource } from './function-source.js';
export { liveView } from './live-view.js';
export { view, viewsOf, type AnyViewSpec } from './view-decorator.js';
