// Errors of `servebench soak`: a stable code and a message that says what is wrong and what to do.
export type SoakErrorCode =
  /** The soak's settings (flags and the scenario's soak section) do not fit together. */
  | 'SB_ERR_SOAK_SETTINGS'
  /** A soak folder (soak-meta.json, soak.jsonl) is missing or unreadable. */
  | 'SB_ERR_SOAK_FOLDER'
  /** --resume cannot continue this folder. */
  | 'SB_ERR_SOAK_RESUME';

export class SoakError extends Error {
  constructor(
    readonly code: SoakErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoakError';
  }
}
