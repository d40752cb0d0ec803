export * from "./manifests";
export * from "./rbac";
export * from "./previews";
export * from "./cluster";
export * from "./environment";
