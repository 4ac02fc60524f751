/**
 * A contact's face: the photo the core checked (a `data:` URL of a JPEG, PNG, GIF or WebP
 * image; anything else is not shown), else their initials on a colour of their own, derived from
 * the name so it stays the same everywhere and at every sign-in. Decorative: the name is
 * always written beside it, so it is hidden from screen readers.
 */
import type { ReactNode } from 'react';

const SAFE_PHOTO = /^data:image\/(?:jpeg|png|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

/** Up to two letters: the first of the first and of the last word ("Maria Chen" → "MC"). */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/)
    .filter((w) => /\p{L}|\p{N}/u.test(w));
  const first = (w: string | undefined) => (w ? (Array.from(w).find((c) => /\p{L}|\p{N}/u.test(c)) ?? '') : '');
  const letters = words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0]);
  return letters.toLocaleUpperCase() || '?';
}

/** A hue from the name; dark enough (lightness 30 %) for white letters at WCAG AA on every hue. */
export function nameHue(name: string): number {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)!) >>> 0;
  return hash % 360;
}

export function Avatar({ name, photo, size, children }: { name: string; photo?: string; size: 'small' | 'medium' | 'large'; children?: ReactNode }) {
  const face =
    photo && SAFE_PHOTO.test(photo) ? (
      <img className="avatar-face" src={photo} alt="" data-testid="avatar" data-kind="photo" draggable={false} />
    ) : (
      <span className="avatar-face avatar-initials" style={{ backgroundColor: `hsl(${nameHue(name)} 45% 30%)` }} data-testid="avatar" data-kind="initials">
        {initials(name)}
      </span>
    );
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {face}
      {children}
    </span>
  );
}
