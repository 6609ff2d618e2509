/**
 * The guide's document schema as TipTap extensions: the blocks and marks a guide can hold. Shared by the
 * editor, Markdown conversion, the commons reader and publishing, so every one of them reads and writes
 * the same kinds of node. Free of Markdown and collaboration, so a read-only view does not load them.
 */
import StarterKit, { type StarterKitOptions } from '@tiptap/starter-kit';
import { TaskItem, TaskList, type TaskItemOptions } from '@tiptap/extension-list';

/** How a particular surface presents links and checklist items; the schema itself never changes. */
export interface GuideNodeOptions {
	link?: StarterKitOptions['link'];
	taskItem?: Partial<TaskItemOptions>;
}

export function guideNodes(options: GuideNodeOptions = {}) {
	return [
		StarterKit.configure({
			undoRedo: false,
			codeBlock: false,
			code: false,
			horizontalRule: false,
			strike: false,
			underline: false,
			...(options.link === undefined ? {} : { link: options.link })
		}),
		TaskList,
		TaskItem.configure({ nested: false, ...options.taskItem })
	];
}
