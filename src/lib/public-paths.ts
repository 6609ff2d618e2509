/** The commons is public: someone looking for a movement can read it before choosing a name. */
export function isPublicPath(pathname: string): boolean {
	return pathname === '/commons' || pathname.startsWith('/commons/');
}
