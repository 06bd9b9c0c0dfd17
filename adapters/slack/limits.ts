// Slack's documented limits that this adapter renders within (docs.slack.dev, @slack/types 3.2).

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  hint: 2000,
  optionText: 75,
  selectOptions: 100,
  /** The notification fallback: Slack truncates past 40,000; a short one reads better. */
  fallbackText: 3000,
} as const;
