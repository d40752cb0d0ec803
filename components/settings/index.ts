export * from "./settings";
export * from "./project-files";
