// The cards this process sent, newest kept: so a click whose params lack the signed value
// (a card template that sends only constant params) still finds its button, by the card id
// and the action. Lost on restart: such a click is then answered with "run the command again".

import type { CardButton } from './render-card';

export class CardRegistry {
  private readonly cards = new Map<string, CardButton[]>();

  constructor(private readonly max = 2000) {}

  remember(cardId: string, buttons: CardButton[]): void {
    this.cards.delete(cardId);
    this.cards.set(cardId, buttons);
    while (this.cards.size > this.max) {
      const oldest = this.cards.keys().next();
      if (oldest.done === true) break;
      this.cards.delete(oldest.value);
    }
  }

  /** The button of a card by its id (`b0`), or by its action when only one has it. */
  find(cardId: string, key: { id?: string | undefined; action?: string | undefined }): CardButton | null {
    const buttons = this.cards.get(cardId);
    if (buttons === undefined) return null;
    const byId = key.id !== undefined ? buttons.find((b) => b.id === key.id) : undefined;
    if (byId !== undefined) return byId;
    const byAction = buttons.filter((b) => b.params.action === key.action);
    return byAction.length === 1 ? (byAction[0] as CardButton) : null;
  }
}
