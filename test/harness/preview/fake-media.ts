/**
 * The preview's images, generated: portraits and room icons whose shapes show a bad crop or a stretched avatar.
 */
import { encodePng, type RGB } from '../png.ts';
import { SERVER } from './fake-data.ts';

/** A head-and-shoulders silhouette: round things stay round only if the avatar is cropped, not stretched. */
function portrait(width: number, height: number, bg: RGB, fg: RGB): Buffer {
  const s = Math.min(width, height);
  return encodePng(width, height, (x, y) => {
    const dx = (x - width / 2) / s;
    const head = dx * dx + ((y - height * 0.4) / s) ** 2 < 0.2 ** 2;
    const body = (dx / 0.38) ** 2 + ((y - height * 1.02) / s / 0.4) ** 2 < 1;
    return head || body ? fg : bg;
  });
}

/** A room icon: a diagonal two-tone field with a white ring, edge to edge so a bad crop shows. */
function roomIcon(size: number, a: RGB, b: RGB): Buffer {
  return encodePng(size, size, (x, y) => {
    const r = Math.hypot(x - size / 2, y - size / 2) / size;
    if (r > 0.2 && r < 0.3) return [255, 255, 255];
    return x + y < size ? a : b;
  });
}

/** A landscape "photo": sky, hills and a sun, 640×400, to show an image message and its lightbox. */
function landscape(width: number, height: number): Buffer {
  return encodePng(width, height, (x, y) => {
    if (Math.hypot(x - width * 0.72, y - height * 0.3) < height * 0.1) return [255, 204, 77];
    const hill = height * (0.62 + 0.08 * Math.sin(x / 70)) ;
    if (y > hill) return [46 + Math.round((y - hill) / 4), 125, 80];
    const t = y / hill;
    return [Math.round(120 + 100 * t), Math.round(170 + 60 * t), 235];
  });
}

let media: Record<string, Buffer> | null = null;

/** The generated file for `<server>/<mediaId>`, or undefined for a missing one (the page falls back to initials). */
export function previewMedia(server: string, mediaId: string): Buffer | undefined {
  media ??= {
    [`${SERVER}/you`]: portrait(128, 128, [46, 125, 50], [200, 230, 201]),
    [`${SERVER}/alice`]: portrait(128, 128, [173, 20, 87], [248, 187, 208]),
    [`${SERVER}/bob`]: portrait(128, 128, [21, 101, 192], [187, 222, 251]),
    // Wider than tall, like an uncropped upload: must be cropped to the circle, not squeezed.
    'example.org/carol-wide': portrait(256, 128, [230, 81, 0], [255, 224, 178]),
    [`${SERVER}/design`]: roomIcon(128, [94, 53, 177], [255, 112, 67]),
    'matrix.org/hq': roomIcon(128, [0, 0, 0], [13, 189, 139]),
    [`${SERVER}/photo`]: landscape(640, 400),
    [`${SERVER}/space`]: roomIcon(128, [21, 101, 192], [0, 172, 193]),
    // The design room's emoji packs.
    [`${SERVER}/emoji-ship`]: roomIcon(64, [255, 112, 67], [255, 202, 40]),
    [`${SERVER}/emoji-lgtm`]: roomIcon(64, [67, 160, 71], [174, 213, 129]),
    [`${SERVER}/emoji-pixel`]: roomIcon(64, [94, 53, 177], [179, 157, 219]),
  };
  return Object.hasOwn(media, `${server}/${mediaId}`) ? media[`${server}/${mediaId}`] : undefined;
}
