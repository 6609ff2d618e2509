/** Playbook templates offered by `From template`, each in English and Swedish, written for Fieldbook. */
import actionDayEn from './action-day.en.md?raw';
import actionDaySv from './action-day.sv.md?raw';
import legalSupportEn from './legal-support.en.md?raw';
import legalSupportSv from './legal-support.sv.md?raw';
import localCampaignEn from './local-campaign.en.md?raw';
import localCampaignSv from './local-campaign.sv.md?raw';
import pressEn from './press-and-media.en.md?raw';
import pressSv from './press-and-media.sv.md?raw';
import safetyEn from './safety-deescalation.en.md?raw';
import safetySv from './safety-deescalation.sv.md?raw';

/** A template: its Markdown per language; the title is the first `# ` line, the summary the first paragraph. */
export interface GuideTemplate {
	slug: string;
	markdown: { en: string; sv: string };
}

/** Every template, in the order `From template` shows them. */
export const templates: GuideTemplate[] = [
	{ slug: 'local-campaign', markdown: { en: localCampaignEn, sv: localCampaignSv } },
	{ slug: 'action-day', markdown: { en: actionDayEn, sv: actionDaySv } },
	{ slug: 'legal-support', markdown: { en: legalSupportEn, sv: legalSupportSv } },
	{ slug: 'press-and-media', markdown: { en: pressEn, sv: pressSv } },
	{ slug: 'safety-deescalation', markdown: { en: safetyEn, sv: safetySv } }
];

/** Splits a template into its title, summary (first paragraph) and the body below the title. */
export function parseTemplate(markdown: string): { title: string; summary: string; body: string } {
	const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? '';
	const body = markdown.replace(/^#\s+.+\n+/, '');
	const summary = body.split(/\n\s*\n/)[0]?.trim() ?? '';
	return { title, summary, body };
}
