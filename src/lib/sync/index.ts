/** The sync core: open a workspace, and the types and helpers the UI uses. Framework-free. */
export { openWorkspace, combineStatus, type WorkspaceOptions, type LocalWorkspaceApi } from './workspace';
export { encodeInvite, decodeInvite, InviteError, type InviteErrorCode } from './invite';
export * from './api';
