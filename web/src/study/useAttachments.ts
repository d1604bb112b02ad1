import { type ChangeEvent, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { shrinkImage } from './images';

/** Images waiting to go with the next message: shrunk in the browser, at most `max` (the server's limit). */
export function useAttachments(max: number, onProblem: (problem: string | null) => void) {
  const [images, setImages] = useState<string[]>([]);
  const attach = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (!files.length) return;
    onProblem(null);
    const room = max - images.length;
    if (files.length > room) onProblem(`At most ${max} images per message.`);
    const shrunk: string[] = [];
    for (const file of files.slice(0, Math.max(0, room))) {
      try {
        shrunk.push(await shrinkImage(file));
      } catch (error) {
        onProblem(`${file.name}: ${errorMessage(error)}`);
      }
    }
    setImages((list) => [...list, ...shrunk].slice(0, max));
  };
  const remove = (index: number) => setImages((list) => list.filter((_, j) => j !== index));
  return { images, setImages, attach, remove, full: images.length >= max };
}
