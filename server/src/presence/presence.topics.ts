export const PRESENCE_TOPIC = 'presence:changed';
