/** Each user's own stream: messages they receive, and those they send (for their other tabs). */
export const userMessagesTopic = (userId: string) => `chat:user:${userId}`;
