// src/shared runs on both sides: no DOM.
export const title = document.title;
