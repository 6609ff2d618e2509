import type { en } from './first-start';

/** First start, backup and restore, in Swedish, key for key. */
export const sv = {
	'firstStart.title': 'Välkommen till Fieldbook',
	'firstStart.intro':
		'Skriv ner det er grupp har lärt er, planera aktioner tillsammans och dela det som fungerar. Allt stannar på den här telefonen och krypteras innan det lämnar den. Inget konto behövs.',
	'firstStart.nameLabel': 'Ditt namn',
	'firstStart.nameHint': 'Visas för dem i dina grupper. Ett smeknamn går bra.',
	'firstStart.continue': 'Fortsätt',
	'firstStart.nameRequired': 'Skriv ett namn, så att gruppen vet vem som skrev vad.',
	'backup.title': 'Säkerhetskopia',
	'backup.intro': 'En krypterad fil med alla grupper, deras nycklar och allt som sparats på telefonen, att återställa på den här eller en annan telefon. Förvara filen och lösenfrasen åtskilda.',
	'backup.export': 'Exportera säkerhetskopia',
	'backup.passphrase': 'Lösenfras för säkerhetskopian',
	'backup.exporting': 'Krypterar säkerhetskopian…',
	'backup.exported': 'Säkerhetskopian sparades som {file}.',
	'backup.restore': 'Återställ säkerhetskopia',
	'backup.restoreTitle': 'Återställ säkerhetskopia',
	'backup.restoreIntro': 'Välj en säkerhetskopia från Fieldbook och ange dess lösenfras. Grupperna i kopian läggs till på telefonen och synkas sedan med reläet.',
	'backup.file': 'Säkerhetskopia (fil)',
	'backup.restoring': 'Öppnar säkerhetskopian…',
	'backup.restored': '{count, plural, one {# grupp återställd} other {# grupper återställda}}.',
	'backup.wrongPassphrase': 'Den lösenfrasen öppnar inte säkerhetskopian. Ingenting ändrades.',
	'backup.damaged': 'Filen är inte en hel säkerhetskopia från Fieldbook (skadad eller avkortad). Ingenting ändrades.',
	'backup.noFile': 'Välj en fil med säkerhetskopian.',
	'backup.firstStart': 'Flyttar du från en annan telefon?'
} satisfies Record<keyof typeof en, string>;
