// The renderer has no Node types.
export const home = process.env.HOME;
