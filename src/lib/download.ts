/** Hands text to the browser as a file download (a calendar file, an export). DOM only, no framework. */
export function downloadText(text: string, type: string, fileName: string): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	document.body.append(link);
	link.click();
	link.remove();
	// The click has started the download; the object URL is not needed after this turn of the event loop.
	setTimeout(() => URL.revokeObjectURL(url), 0);
}
