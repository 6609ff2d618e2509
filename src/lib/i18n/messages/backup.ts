/**
 * Backup and restore. Apart from the lock's messages because first start offers a restore: these are
 * bundled with the shell (`catalogue-public.ts`), the lock's load with the rest of the language.
 */
export const en = {
	'backup.title': 'Backup',
	'backup.intro': 'An encrypted file with every group, its keys and everything saved on this phone, to restore on this or another phone. Keep the file and its passphrase apart.',
	'backup.export': 'Export backup',
	'backup.passphrase': 'Backup passphrase',
	'backup.exporting': 'Encrypting the backup…',
	'backup.exported': 'Backup saved as {file}.',
	'backup.restore': 'Restore backup',
	'backup.restoreTitle': 'Restore backup',
	'backup.restoreIntro': 'Choose a Fieldbook backup file and enter its passphrase. Groups from the backup are added to this phone; then they sync with the relay.',
	'backup.file': 'Backup file',
	'backup.restoring': 'Opening the backup…',
	'backup.restored': 'Restored {count, plural, one {# group} other {# groups}}.',
	'backup.wrongPassphrase': 'That passphrase does not open this backup. Nothing was changed.',
	'backup.damaged': 'This file is not a complete Fieldbook backup (damaged or cut short). Nothing was changed.',
	'backup.noFile': 'Choose a backup file.',
	'backup.firstStart': 'Moving from another phone?'
};
