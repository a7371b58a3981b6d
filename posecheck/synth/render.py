"""Drawing the synthetic runner with OpenCV: shaded capsules, clothes, a face, far-to-near.

The pose model needs a figure that looks like a person: thin stick figures are never detected,
while filled capsules with skin-coloured limbs, a shirt, shorts, shoes, shading and a face are
(issue 3). Limbs are tapered capsules drawn in three shade bands (dark rim, mid tone, highlight
towards an upper-left light); the far arm and leg are drawn first and a little darker, then the
torso, head and the near leg and arm, so limbs occlude as they would. Filmed along the path
(from the front or behind) every limb segment and the body are drawn far to near by their
depth, the body with its shoulders and hips across it, and the head with a face or, from
behind, hair; the path then runs away from the camera.

Speed: the sky/scenery is drawn once into a panorama that a panning camera slides across; per
frame only the ground (a few polygons), about 40 primitives for the figure and optional blur and
noise (from a few precomputed noise frames) are drawn. No per-pixel Python loops.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX
from posecheck.synth.camera import VIEWS, Camera
from posecheck.synth.gait import SIDES, Pose

BACKGROUNDS = ("plain", "gradient", "park", "busy")
SHIFT = 4  # cv2 fixed-point bits: 1/16 px drawing precision
SCALE = 1 << SHIFT
LIGHT = np.array([-0.55, -0.83])  # image direction towards the light (upper left)
SHORTS_HEM = 0.42  # the shorts reach this fraction of the way from hip to knee

SKIN_TONES = ((241, 194, 167), (224, 172, 135), (198, 134, 98), (160, 105, 72), (111, 72, 50))
HAIR_COLOURS = ((35, 25, 20), (80, 50, 30), (150, 110, 60), (20, 20, 20), (110, 80, 60))
# No greens: the park scenery and the grass are green, and clothes that melt into them hide the
# hips and trunk from the pose model.
SHIRT_COLOURS = ((200, 40, 40), (40, 90, 200), (240, 240, 240), (250, 170, 30), (120, 40, 160),
                 (230, 90, 150))  # fmt: skip
SHORTS_COLOURS = ((25, 25, 35), (30, 40, 90), (110, 30, 40), (20, 20, 20))
SHOE_COLOURS = ((240, 240, 240), (230, 80, 40), (40, 40, 50), (60, 120, 220))

# Drawn radii in metres for a 1.75 m runner (scaled with height): (start, end) of each capsule.
RADII_M = {
    "thigh": (0.09, 0.06), "shank": (0.055, 0.036), "upper_arm": (0.048, 0.040),
    "forearm": (0.040, 0.030), "hand": 0.045, "neck": 0.055, "torso": (0.14, 0.15),
    "shorts": 0.13, "shoe": 0.04, "toe": 0.028,
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Appearance:
    """Colours (RGB) of one runner."""

    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    shirt: tuple[int, int, int]
    shorts: tuple[int, int, int]
    shoes: tuple[int, int, int]

    @classmethod
    def random(cls, rng: np.random.Generator) -> Appearance:
        def pick(options: tuple) -> tuple[int, int, int]:
            return tuple(int(c) for c in options[rng.integers(len(options))])

        return cls(pick(SKIN_TONES), pick(HAIR_COLOURS), pick(SHIRT_COLOURS),
                   pick(SHORTS_COLOURS), pick(SHOE_COLOURS))  # fmt: skip


@dataclasses.dataclass(frozen=True)
class SceneStyle:
    """What surrounds the runner and how the image is degraded."""

    background: str = "park"
    noise_sigma: float = 2.0  # grey levels of Gaussian sensor noise; 0 for none
    blur_sigma_px: float = 0.0  # Gaussian blur of the whole frame; 0 for none
    treadmill: bool = False

    def check(self) -> None:
        if self.background not in BACKGROUNDS:
            raise PosecheckError(
                f"background must be one of {', '.join(BACKGROUNDS)}, got {self.background!r}"
            )
        if not 0 <= self.noise_sigma <= 50 or not 0 <= self.blur_sigma_px <= 20:
            raise PosecheckError("noise must be 0-50 grey levels and blur 0-20 px")


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(int(min(255, max(0, c * factor))) for c in colour)


def _fixed(points: np.ndarray) -> np.ndarray:
    """Continuous pixel coordinates to cv2 fixed-point integer pixel centres."""
    return np.round((np.asarray(points, dtype=float) - 0.5) * SCALE).astype(np.int32)


class Renderer:
    """Draws frames of one clip: ``render(pose, camera, time_s) -> (h, w, 3) uint8 RGB``."""

    N_NOISE_FRAMES = 4  # cycled; enough that the noise does not look frozen

    def __init__(self, *, width: int, height: int, appearance: Appearance, style: SceneStyle,
                 body_scale: float, slope_rad: float, belt_speed_mps: float, seed: int,
                 pan_px: float = 0.0, view: str = "side") -> None:
        style.check()
        if view not in VIEWS:
            raise PosecheckError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
        self.view = view  # "side", or along the path: "front" / "behind"
        self.width, self.height = int(width), int(height)
        self.look, self.style = appearance, style
        self.scale = body_scale  # runner height / 1.75 m
        self.slope_rad, self.belt_speed = slope_rad, belt_speed_mps
        rng = np.random.default_rng(seed)
        self.margin_px = int(math.ceil(pan_px)) + 2
        self.panorama = _panorama(style.background, self.width + 2 * self.margin_px,
                                  self.height, rng)  # fmt: skip
        self.noise = []
        if style.noise_sigma > 0:
            for _ in range(self.N_NOISE_FRAMES):
                n = rng.normal(0.0, style.noise_sigma, (self.height, self.width, 3))
                self.noise.append((np.clip(n, 0, 255).astype(np.uint8),
                                   np.clip(-n, 0, 255).astype(np.uint8)))  # fmt: skip
        self._count = 0

    # ---- frame ----------------------------------------------------------------------------------
    def render(self, pose: Pose, camera: Camera, time_s: float) -> np.ndarray:
        """One RGB frame of ``pose`` seen by ``camera``."""
        if self.view == "side":
            shift = int(round(camera.direction * camera.focal_px * camera.yaw_rad))
            start = int(np.clip(self.margin_px + shift, 0, 2 * self.margin_px))
        else:  # a camera filming along the path does not turn
            start = self.margin_px
        img = self.panorama[:, start:start + self.width].copy()
        if self.view == "side":
            self._ground(img, camera, time_s)
            self._figure(img, pose, camera)
        else:
            self._ground_along(img, camera, time_s)
            self._figure_along(img, pose, camera)
        if self.style.blur_sigma_px > 0:
            img = cv2.GaussianBlur(img, (0, 0), self.style.blur_sigma_px)
        if self.noise:
            plus, minus = self.noise[self._count % len(self.noise)]
            img = cv2.subtract(cv2.add(img, plus), minus)
        self._count += 1
        return img

    # ---- ground -------------------------------------------------------------------------------
    def _ground_point(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.stack([x, x * math.tan(self.slope_rad), np.broadcast_to(z, x.shape)], axis=-1)

    def _horizon(self, camera: Camera) -> np.ndarray:
        """(2, 2) image points on the ground plane's vanishing line (the horizon of the slope).

        They are the vanishing points of two directions lying in the ground plane, both in front
        of the camera, so the line is right for any pan angle."""
        normal = np.array([-math.sin(self.slope_rad), math.cos(self.slope_rad), 0.0])
        forward = np.array([math.sin(camera.yaw_rad), 0.0, -math.cos(camera.yaw_rad)])
        ahead = forward - (forward @ normal) * normal
        ahead /= np.linalg.norm(ahead)
        across = np.cross(normal, ahead)
        far = 1e6  # m: a point this far along a direction projects onto its vanishing point
        return camera.project(np.array([camera.position_m + far * (ahead + 0.8 * across),
                                        camera.position_m + far * (ahead - 0.8 * across)]))

    def _grass(self, img: np.ndarray, camera: Camera) -> None:
        """The ground plane, everything below its horizon."""
        (u0, v0), (u1, v1) = self._horizon(camera)
        slope = (v1 - v0) / (u1 - u0)
        span = 3.0 * (self.width + self.height)
        left, right = (-span, v0 + slope * (-span - u0)), (span, v0 + slope * (span - u0))
        # the ground lies below its horizon (image y down) for a camera above it
        below = [[span, right[1] + 2 * span], [-span, left[1] + 2 * span]]
        ground_colour = (95, 120, 70) if not self.style.treadmill else (150, 150, 150)
        cv2.fillPoly(img, [_fixed(np.array([left, right, *below]))], ground_colour, cv2.LINE_AA,
                     SHIFT)  # fmt: skip

    def _ground(self, img: np.ndarray, camera: Camera, time_s: float) -> None:
        self._grass(img, camera)
        # the path: a band either side of the body's plane, around where the camera looks;
        # 1.5 camera distances either side stays in front of the camera at any pan angle
        look_x = camera.position_m[0] + camera.position_m[2] * math.tan(camera.yaw_rad)
        half = 1.5 * camera.position_m[2]
        px = look_x + np.array([-half, half])
        near = camera.project(self._ground_point(px, 0.9))
        back = camera.project(self._ground_point(px, -0.9))
        path = (150, 130, 100) if not self.style.treadmill else (45, 45, 50)
        cv2.fillPoly(img, [_fixed(np.vstack([back, near[::-1]]))], path, cv2.LINE_AA, SHIFT)
        # cross lines every 0.5 m show the ground (or belt) moving under the runner
        offset = (-self.belt_speed * time_s) % 0.5 if self.style.treadmill else 0.0
        marks = np.arange(math.floor((look_x - half) / 0.5) * 0.5, look_x + half, 0.5) + offset
        a = camera.project(self._ground_point(marks, 0.9))
        b = camera.project(self._ground_point(marks, -0.9))
        line = _shade(path, 0.8)
        for p, q in zip(_fixed(a), _fixed(b)):
            cv2.line(img, tuple(p), tuple(q), line, max(1, self.height // 360), cv2.LINE_AA, SHIFT)

    def _ground_along(self, img: np.ndarray, camera: Camera, time_s: float) -> None:
        """The ground and the path for a camera standing on the path: the path runs from just
        in front of the camera into the distance, cross lines every 0.5 m to 40 m."""
        self._grass(img, camera)
        ahead = math.copysign(1.0, math.sin(camera.yaw_rad))  # the camera looks along +-x
        x0 = camera.position_m[0]
        px = x0 + ahead * np.array([0.5, 1000.0])  # in front of the camera only
        near = camera.project(self._ground_point(px, 0.9))
        back = camera.project(self._ground_point(px, -0.9))
        path = (150, 130, 100) if not self.style.treadmill else (45, 45, 50)
        cv2.fillPoly(img, [_fixed(np.vstack([back, near[::-1]]))], path, cv2.LINE_AA, SHIFT)
        offset = (-self.belt_speed * time_s) % 0.5 if self.style.treadmill else 0.0
        lo, hi = sorted((x0 + ahead * 0.5, x0 + ahead * 40.0))
        marks = np.arange(math.ceil(lo / 0.5) * 0.5, hi, 0.5) + offset
        marks = marks[(marks - x0) * ahead >= 0.5]
        a = camera.project(self._ground_point(marks, 0.9))
        b = camera.project(self._ground_point(marks, -0.9))
        line = _shade(path, 0.8)
        for p, q in zip(_fixed(a), _fixed(b)):
            cv2.line(img, tuple(p), tuple(q), line, max(1, self.height // 360), cv2.LINE_AA, SHIFT)

    # ---- figure -------------------------------------------------------------------------------
    def _figure(self, img: np.ndarray, pose: Pose, camera: Camera) -> None:
        lm = pose.landmarks_m
        px = camera.project(lm)
        depth = camera.depth(lm)
        head_px = camera.project(pose.head_centre_m)
        head_depth = float(camera.depth(pose.head_centre_m))
        m_to_px = camera.focal_px * self.scale  # times 1/depth gives pixels per drawn metre

        def radius(metres: float, depth_m: float) -> float:
            return metres * m_to_px / depth_m

        near_side = max(SIDES, key=lambda side: lm[INDEX[f"{side}_hip"], 2])
        far_side = "left" if near_side == "right" else "right"
        self._arm(img, px, depth, far_side, radius, 0.78)
        self._leg(img, px, depth, far_side, radius, 0.78)
        self._torso(img, px, depth, radius)
        self._leg(img, px, depth, near_side, radius, 1.0)
        self._head(img, px, head_px, head_depth, near_side, radius)
        self._arm(img, px, depth, near_side, radius, 1.0)

    def _capsule(self, img: np.ndarray, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float,
                 colour: tuple[int, int, int], light: float) -> None:
        """A tapered capsule in three shade bands."""
        axis = p1 - p0
        length = float(np.hypot(*axis))
        normal = np.array([-axis[1], axis[0]]) / length if length > 1e-6 else np.array([0.0, 1.0])
        if normal @ LIGHT < 0:
            normal = -normal
        for size, offset, factor in ((1.0, 0.0, 0.62), (0.78, 0.16, 0.95), (0.38, 0.42, 1.18)):
            a0, a1 = r0 * size, r1 * size
            q0 = p0 + normal * offset * r0
            q1 = p1 + normal * offset * r1
            tone = _shade(colour, factor * light)
            if length > 1e-6:
                poly = np.array([q0 + normal * a0, q1 + normal * a1, q1 - normal * a1,
                                 q0 - normal * a0])  # fmt: skip
                cv2.fillConvexPoly(img, _fixed(poly), tone, cv2.LINE_AA, SHIFT)
            for q, a in ((q0, a0), (q1, a1)):
                cv2.circle(img, tuple(_fixed(q)), max(1, int(a * SCALE)), tone, -1, cv2.LINE_AA,
                           SHIFT)

    def _arm(self, img, px, depth, side, radius, light) -> None:
        look = self.look
        s, e, w = (INDEX[f"{side}_{n}"] for n in ("shoulder", "elbow", "wrist"))
        ru = [radius(r, depth[s]) for r in RADII_M["upper_arm"]]
        rf = [radius(r, depth[e]) for r in RADII_M["forearm"]]
        sleeve = px[s] + 0.45 * (px[e] - px[s])
        self._capsule(img, sleeve, px[e], ru[0] * 0.95, ru[1], look.skin, light)
        self._capsule(img, px[e], px[w], *rf, look.skin, light)
        self._capsule(img, px[s], sleeve, ru[0] * 1.25, ru[0] * 1.15, look.shirt, light)
        hand = 0.5 * (px[w] + px[INDEX[f"{side}_index"]])
        rh = radius(RADII_M["hand"], depth[w])
        self._capsule(img, hand, hand, rh, rh, look.skin, light * 0.95)

    def _leg(self, img, px, depth, side, radius, light) -> None:
        look = self.look
        h, k, a, heel, toe = (INDEX[f"{side}_{n}"]
                              for n in ("hip", "knee", "ankle", "heel", "foot_index"))  # fmt: skip
        rt = [radius(r, depth[h]) for r in RADII_M["thigh"]]
        rs = [radius(r, depth[k]) for r in RADII_M["shank"]]
        hem = px[h] + SHORTS_HEM * (px[k] - px[h])
        self._capsule(img, hem, px[k], rt[0] * 0.92, rt[1], look.skin, light)
        self._capsule(img, px[k], px[a], *rs, look.skin, light)
        self._capsule(img, px[h], hem, rt[0] * 1.15, rt[0] * 1.08, look.shorts, light)
        rshoe = radius(RADII_M["shoe"], depth[a])
        rtoe = radius(RADII_M["toe"], depth[a])
        # the shoe: the heel counter up to the ankle, then the sole to the toe tip
        sole_dir = px[toe] - px[heel]
        up = np.array([sole_dir[1], -sole_dir[0]])
        up = up / max(np.hypot(*up), 1e-6)
        if up[1] > 0:
            up = -up
        heel_c = px[heel] + up * rshoe
        ball = px[heel] + 0.68 * sole_dir + up * rtoe
        self._capsule(img, heel_c, px[a], rshoe, rshoe * 0.9, look.shoes, light)
        self._capsule(img, heel_c, ball, rshoe, rtoe * 1.1, look.shoes, light)
        self._capsule(img, ball, px[toe] + up * rtoe * 0.9, rtoe * 1.1, rtoe * 0.9, look.shoes,
                      light)

    def _torso(self, img, px, depth, radius) -> None:
        look = self.look
        hip = 0.5 * (px[INDEX["left_hip"]] + px[INDEX["right_hip"]])
        sh = 0.5 * (px[INDEX["left_shoulder"]] + px[INDEX["right_shoulder"]])
        d = float(0.5 * (depth[INDEX["left_hip"]] + depth[INDEX["right_hip"]]))
        r0, r1 = (radius(r, d) for r in RADII_M["torso"])
        chest = sh + 0.12 * (hip - sh)  # the shoulders are rounded, not square
        waist = hip + 0.25 * (sh - hip)
        self._capsule(img, waist, chest, r0, r1, look.shirt, 1.0)
        rs = radius(RADII_M["shorts"], d)
        self._capsule(img, hip, waist, rs, rs, look.shorts, 1.0)

    def _head(self, img, px, head, head_depth, near, radius) -> None:
        look = self.look
        r = radius(0.058 * 1.75, head_depth)
        sh = 0.5 * (px[INDEX["left_shoulder"]] + px[INDEX["right_shoulder"]])
        rn = radius(RADII_M["neck"], head_depth)
        self._capsule(img, sh, head + (sh - head) * 0.4, rn * 1.1, rn, look.skin, 0.9)
        facing = px[INDEX["nose"]] - head
        facing = facing / max(np.hypot(*facing), 1e-6)
        up = np.array([0.0, -1.0])
        cv2.circle(img, tuple(_fixed(head - facing * 0.12 * r + up * 0.1 * r)),
                   int(1.06 * r * SCALE), look.hair, -1, cv2.LINE_AA, SHIFT)
        face_c = head + facing * 0.08 * r - up * 0.06 * r
        self._capsule(img, face_c, face_c + up * 0.1 * r, r * 0.96, r * 0.96, look.skin, 1.0)
        # hair on top and back, drawn over the face's upper rim
        axes = (int(1.02 * r * SCALE), int(0.62 * r * SCALE))
        angle = math.degrees(math.atan2(facing[1], facing[0]))
        cv2.ellipse(img, tuple(_fixed(head + up * 0.38 * r - facing * 0.1 * r)), axes, angle,
                    0, 360, look.hair, -1, cv2.LINE_AA, SHIFT)
        ear = px[INDEX[f"{near}_ear"]]
        cv2.ellipse(img, tuple(_fixed(ear)), (int(0.22 * r * SCALE), int(0.3 * r * SCALE)), angle,
                    0, 360, _shade(look.skin, 0.8), -1, cv2.LINE_AA, SHIFT)
        nose = px[INDEX["nose"]]
        tri = np.array([nose + facing * 0.12 * r, nose - facing * 0.2 * r + up * 0.3 * r,
                        nose - facing * 0.2 * r - up * 0.12 * r])  # fmt: skip
        cv2.fillConvexPoly(img, _fixed(tri), _shade(look.skin, 0.85), cv2.LINE_AA, SHIFT)
        eye = px[INDEX[f"{near}_eye"]]
        cv2.circle(img, tuple(_fixed(eye)), max(1, int(0.1 * r * SCALE)), (30, 30, 30), -1,
                   cv2.LINE_AA, SHIFT)
        brow0 = eye + up * 0.18 * r - facing * 0.12 * r
        brow1 = eye + up * 0.2 * r + facing * 0.1 * r
        cv2.line(img, tuple(_fixed(brow0)), tuple(_fixed(brow1)), look.hair,
                 max(1, int(0.06 * r)), cv2.LINE_AA, SHIFT)
        mouth = px[INDEX[f"mouth_{near}"]]
        cv2.line(img, tuple(_fixed(mouth)), tuple(_fixed(mouth + facing * 0.18 * r)),
                 (150, 60, 60), max(1, int(0.06 * r)), cv2.LINE_AA, SHIFT)


    # ---- the figure filmed along the path: from the front or behind ----------------------------
    def _figure_along(self, img: np.ndarray, pose: Pose, camera: Camera) -> None:
        """Every limb segment and the body (torso and head) drawn far to near by the depth of
        its middle: a leg or arm swinging towards the camera is drawn over the body, one
        swinging away under it."""
        lm = pose.landmarks_m
        px = camera.project(lm)
        depth = camera.depth(lm)
        head_px = camera.project(pose.head_centre_m)
        head_depth = float(camera.depth(pose.head_centre_m))
        m_to_px = camera.focal_px * self.scale

        def radius(metres: float, depth_m: float) -> float:
            return metres * m_to_px / depth_m

        # the face is seen when the camera is on the side the nose points to
        face = float((lm[INDEX["nose"]] - pose.head_centre_m)
                     @ (camera.position_m - pose.head_centre_m)) > 0  # fmt: skip
        parts = []  # (depth of the part's middle in m, how to draw it)
        for side in SIDES:
            parts += self._limb_parts(img, px, depth, side, radius)
        girdles = [INDEX[f"{s}_{n}"] for s in SIDES for n in ("hip", "shoulder")]

        def body() -> None:
            self._torso_along(img, px, depth, radius)
            self._head_along(img, px, head_px, head_depth, radius, face)

        parts.append((float(depth[girdles].mean()), body))
        for _, draw in sorted(parts, key=lambda part: -part[0]):
            draw()

    def _limb_parts(self, img, px, depth, side, radius) -> list:
        """(depth, draw) of each segment of one side's arm and leg, drawn as :meth:`_arm` and
        :meth:`_leg` draw them (the shoe as a sole from heel to toe, which points at or away
        from the camera)."""
        look = self.look
        i = {n: INDEX[f"{side}_{n}"] for n in ("shoulder", "elbow", "wrist", "index", "hip",
                                               "knee", "ankle", "heel", "foot_index")}
        p = {n: px[k] for n, k in i.items()}
        d = {n: depth[k] for n, k in i.items()}

        def upper_arm() -> None:
            ru = [radius(r, d["shoulder"]) for r in RADII_M["upper_arm"]]
            sleeve = p["shoulder"] + 0.45 * (p["elbow"] - p["shoulder"])
            self._capsule(img, sleeve, p["elbow"], ru[0] * 0.95, ru[1], look.skin, 1.0)
            self._capsule(img, p["shoulder"], sleeve, ru[0] * 1.25, ru[0] * 1.15, look.shirt,
                          1.0)

        def forearm() -> None:
            rf = [radius(r, d["elbow"]) for r in RADII_M["forearm"]]
            self._capsule(img, p["elbow"], p["wrist"], *rf, look.skin, 1.0)

        def hand() -> None:
            centre = 0.5 * (p["wrist"] + p["index"])
            rh = radius(RADII_M["hand"], d["wrist"])
            self._capsule(img, centre, centre, rh, rh, look.skin, 0.95)

        def thigh() -> None:
            rt = [radius(r, d["hip"]) for r in RADII_M["thigh"]]
            hem = p["hip"] + SHORTS_HEM * (p["knee"] - p["hip"])
            self._capsule(img, hem, p["knee"], rt[0] * 0.92, rt[1], look.skin, 1.0)
            self._capsule(img, p["hip"], hem, rt[0] * 1.15, rt[0] * 1.08, look.shorts, 1.0)

        def shank() -> None:
            rs = [radius(r, d["knee"]) for r in RADII_M["shank"]]
            self._capsule(img, p["knee"], p["ankle"], *rs, look.skin, 1.0)

        def shoe() -> None:
            rshoe = radius(RADII_M["shoe"], d["ankle"])
            rtoe = radius(RADII_M["toe"], d["ankle"])
            heel, toe = p["heel"], p["foot_index"]
            self._capsule(img, p["ankle"], heel + 0.3 * (toe - heel), rshoe, rshoe, look.shoes,
                          1.0)
            self._capsule(img, heel, toe, rshoe, rtoe * 1.1, look.shoes, 1.0)

        def middle(a: str, b: str) -> float:
            return float(0.5 * (d[a] + d[b]))

        return [(middle("shoulder", "elbow"), upper_arm), (middle("elbow", "wrist"), forearm),
                (float(d["wrist"]), hand), (middle("hip", "knee"), thigh),
                (middle("knee", "ankle"), shank), (middle("heel", "foot_index"), shoe)]

    def _torso_along(self, img, px, depth, radius) -> None:
        """The trunk from in front or behind: the shirt down the middle and across the
        shoulders, the shorts across the hips."""
        look = self.look
        hips = [px[INDEX[f"{s}_hip"]] for s in SIDES]
        shoulders = [px[INDEX[f"{s}_shoulder"]] for s in SIDES]
        hip, sh = 0.5 * (hips[0] + hips[1]), 0.5 * (shoulders[0] + shoulders[1])
        d = float(0.5 * (depth[INDEX["left_hip"]] + depth[INDEX["right_hip"]]))
        r0, r1 = (radius(r, d) for r in RADII_M["torso"])
        rs = radius(RADII_M["shorts"], d)
        waist = hip + 0.25 * (sh - hip)
        chest = sh + 0.12 * (hip - sh)
        self._capsule(img, hips[0], hips[1], rs, rs, look.shorts, 1.0)
        self._capsule(img, hip, waist, rs, rs, look.shorts, 1.0)
        self._capsule(img, waist, chest, r0, r1, look.shirt, 1.0)
        down = 0.08 * (hip - sh)  # the shoulders' round is a little below the joints' line
        ra = radius(RADII_M["upper_arm"][0] * 1.4, d)
        self._capsule(img, shoulders[0] + down, shoulders[1] + down, ra, ra, look.shirt, 1.0)

    def _head_along(self, img, px, head, head_depth, radius, face: bool) -> None:
        """The neck, the ears either side and the head: a face (eyes, brows, nose, mouth) under
        a fringe of hair, or from behind the hair over all but the nape."""
        look = self.look
        r = radius(0.058 * 1.75, head_depth)
        up = np.array([0.0, -1.0])
        sh = 0.5 * (px[INDEX["left_shoulder"]] + px[INDEX["right_shoulder"]])
        rn = radius(RADII_M["neck"], head_depth)
        self._capsule(img, sh, head + (sh - head) * 0.4, rn * 1.1, rn, look.skin, 0.9)
        for side in SIDES:
            ear = px[INDEX[f"{side}_ear"]]
            cv2.ellipse(img, tuple(_fixed(ear)), (int(0.2 * r * SCALE), int(0.32 * r * SCALE)),
                        0, 0, 360, _shade(look.skin, 0.8), -1, cv2.LINE_AA, SHIFT)

        def oval(centre: np.ndarray, axes: tuple[float, float], colour) -> None:
            cv2.ellipse(img, tuple(_fixed(centre)), (int(axes[0] * r * SCALE),
                                                     int(axes[1] * r * SCALE)),
                        0, 0, 360, colour, -1, cv2.LINE_AA, SHIFT)

        if not face:  # the back of the head: hair over all of it but the nape
            oval(head, (0.9, 1.0), look.skin)
            oval(head + up * 0.12 * r, (0.94, 0.92), look.hair)
            return
        oval(head + up * 0.1 * r, (0.95, 1.02), look.hair)
        oval(head - up * 0.08 * r, (0.84, 0.96), look.skin)
        oval(head + up * 0.62 * r, (0.86, 0.4), look.hair)  # the fringe
        for side in SIDES:
            eye = px[INDEX[f"{side}_eye"]]
            cv2.circle(img, tuple(_fixed(eye)), max(1, int(0.11 * r * SCALE)), (30, 30, 30), -1,
                       cv2.LINE_AA, SHIFT)
            brow = eye + up * 0.2 * r
            half = np.array([0.14 * r, 0.0])
            cv2.line(img, tuple(_fixed(brow - half)), tuple(_fixed(brow + half)), look.hair,
                     max(1, int(0.06 * r)), cv2.LINE_AA, SHIFT)
        nose = px[INDEX["nose"]]
        bridge = 0.5 * (px[INDEX["left_eye_inner"]] + px[INDEX["right_eye_inner"]])
        cv2.line(img, tuple(_fixed(bridge)), tuple(_fixed(nose)), _shade(look.skin, 0.8),
                 max(1, int(0.1 * r)), cv2.LINE_AA, SHIFT)
        cv2.line(img, tuple(_fixed(px[INDEX["mouth_left"]])),
                 tuple(_fixed(px[INDEX["mouth_right"]])), (150, 60, 60), max(1, int(0.07 * r)),
                 cv2.LINE_AA, SHIFT)

def _panorama(kind: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """The scenery behind the ground: (height, width, 3) uint8 RGB, drawn once per clip."""
    if kind == "plain":
        return np.full((height, width, 3), 205, np.uint8)
    rows = np.linspace(0.0, 1.0, height)[:, None]
    sky = (np.array([120, 170, 230]) * (1 - rows) + np.array([215, 230, 245]) * rows)
    img = np.repeat(sky[:, None, :], width, axis=1).astype(np.uint8)
    if kind == "gradient":
        return img
    if kind == "park":
        for _ in range(max(8, width // 60)):  # trees and bushes along the horizon
            x = int(rng.integers(0, width))
            y = int(height * (0.45 + 0.05 * rng.random()))
            r = int(height * (0.04 + 0.08 * rng.random()))
            green = tuple(int(rng.integers(lo, hi)) for lo, hi in ((30, 80), (90, 150), (30, 70)))
            cv2.circle(img, (x, y - r // 2), r, green, -1, cv2.LINE_AA)
            cv2.rectangle(img, (x - r // 8, y - r // 2), (x + r // 8, y + r), (90, 60, 40), -1)
        return img
    for _ in range(max(40, width * height // 6000)):  # busy: high-contrast clutter
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(height // 40, height // 6))
        if rng.random() < 0.5:
            cv2.rectangle(img, (x, y), (x + size, y + int(size * rng.uniform(0.3, 2))), colour, -1)
        else:
            cv2.circle(img, (x, y), size // 2, colour, -1, cv2.LINE_AA)
    return img
