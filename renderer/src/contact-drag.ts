/** What a contact row carries when dragged: onto another group (move) or onto a call (transfer). */
export const CONTACT_DRAG_TYPE = 'application/x-presence-desk-contact';
