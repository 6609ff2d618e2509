/** Offers bytes as a download (a blob: link clicked once, then released). */
export function saveFile(bytes: Uint8Array | string, name: string, type: string): void {
	const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = name;
	link.rel = 'noopener';
	document.body.append(link);
	link.click();
	link.remove();
	// The download has started from the click; a moment later the URL can go.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
