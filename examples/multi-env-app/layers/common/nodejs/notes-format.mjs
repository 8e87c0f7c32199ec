// Shared by the functions of multi-env-app through the "common" layer: at run time it is /opt/nodejs/notes-format.mjs.
export const title = (text) => String(text).split('\n')[0].slice(0, 80)
