export * from "./model";
export * from "./actions";
export * from "./tools";
export * from "./precommit";
export * from "./workflows";
export * from "./serialize";
export * from "./files";
export * from "./service-pipelines";
