export { IMPORTER_VERSION, PROGRESS_EVERY_ROWS, importDataset, type ImportOptions, type ProgressFn } from './import-dataset.ts';
export { validateDataset, type ValidateOptions, type ValidationReport } from './validate-dataset.ts';
