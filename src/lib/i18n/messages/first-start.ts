/**
 * First start and backup and restore (first start offers a restore). Bundled with first start, which adds
 * them to the shell's English (`I18n.include`), so a shared commons page loads none of them.
 */
export const en = {
	'firstStart.title': 'Welcome to Fieldbook',
	'firstStart.intro':
		'Write down what your group has learned, plan actions together and share what works. Everything stays on this phone and is encrypted before it leaves it. No account needed.',
	'firstStart.nameLabel': 'Your name',
	'firstStart.nameHint': 'Shown to the people in your groups. A nickname is fine.',
	'firstStart.continue': 'Continue',
	'firstStart.nameRequired': 'Please write a name, so your group knows who wrote what.',
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
