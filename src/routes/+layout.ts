// The shell is a static SPA: it must boot from the service worker's cache with no server at all.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
