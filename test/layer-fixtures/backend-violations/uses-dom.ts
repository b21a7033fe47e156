// The backend has no DOM.
export const title = document.title;
