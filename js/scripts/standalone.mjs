export function writeStandalone() {}
