"""``posecheck synth``: render a synthetic runner clip with its ground truth.

Examples::

    posecheck synth downhill-braking -o braking.mp4 --camera pan --direction rtl --fps 60
    posecheck synth level-good -o knee30.mp4 --knee-flexion-ic-deg 30 --seed 3
    posecheck synth downhill-good -o varied.mp4 --variability --seed 7
    posecheck synth level-good -o front.mp4 --view front --seconds 1.5
    posecheck synth level-good -o walk.mp4 --walk --camera pan --seconds 3
    posecheck synth --list-presets
    posecheck synth --sample-videos sample_videos/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from posecheck.errors import PosecheckError
from posecheck.synth.camera import VIEWS
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.gait import WALKING, WALKING_DUTY
from posecheck.synth.presets import PRESETS, preset_params
from posecheck.synth.render import BACKGROUNDS, SceneStyle
from posecheck.synth.timing import REALISTIC_STEP_TIME_CV

#: Technique and gait overrides: option name -> GaitParams field.
GAIT_OPTIONS = {
    "--speed-mps": "speed_mps", "--cadence-spm": "cadence_spm", "--duty-factor": "duty_factor",
    "--slope-deg": "slope_deg", "--lean-deg": "lean_deg", "--waist-bend-deg": "waist_bend_deg",
    "--knee-flexion-ic-deg": "knee_flexion_ic_deg",
    "--knee-flexion-mid-deg": "knee_flexion_mid_deg",
    "--knee-flexion-to-deg": "knee_flexion_to_deg", "--foot-strike-deg": "foot_strike_deg",
    "--shoulder-abduction-deg": "shoulder_abduction_deg", "--elbow-deg": "elbow_deg",
    "--arm-swing-deg": "arm_swing_deg",
    "--landing-foot-speed-fraction": "landing_foot_speed_fraction",
    "--step-time-cv": "step_time_cv",
}  # fmt: skip

#: The committed clips of ``sample_videos/``: (file name, preset, spec overrides).
SAMPLE_VIDEOS = (
    ("level-good_static_ltr.mp4", "level-good",
     dict(camera="static", direction="ltr", fps=60.0, seconds=1.0, seed=1)),
    ("downhill-good_pan_rtl.mp4", "downhill-good",
     dict(camera="pan", direction="rtl", fps=60.0, seconds=3.0, seed=2)),
    ("downhill-braking_pan_ltr.mp4", "downhill-braking",
     dict(camera="pan", direction="ltr", fps=60.0, seconds=3.0, seed=3)),
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``synth`` subcommand."""
    parser = subparsers.add_parser(
        "synth", help="render a synthetic runner clip with exact ground truth",
        description="Render a clip of a synthetic runner (H.264 MP4), side-on unless --view "
        "says otherwise, and write its ground truth beside it (<clip>.truth.json and "
        "<clip>.truth.npz).",
    )  # fmt: skip
    parser.add_argument("preset", nargs="?", choices=sorted(PRESETS), help="named runner")
    parser.add_argument("-o", "--output", type=Path, help="output .mp4 path")
    parser.add_argument("--list-presets", action="store_true", help="print the presets and exit")
    parser.add_argument("--sample-videos", type=Path, metavar="DIR",
                        help="(re)render the committed sample clips into DIR and exit")
    scene = parser.add_argument_group("scene")
    scene.add_argument("--direction", choices=("ltr", "rtl"), default="ltr",
                       help="runner moves left-to-right or right-to-left (default ltr)")
    scene.add_argument("--camera", choices=("static", "pan"), default="static",
                       help="tripod, or a camera turning to follow the runner (default static)")
    scene.add_argument("--view", choices=VIEWS, default="side",
                       help="where the camera films from: beside the path (side, the default), "
                       "or a tripod on the path in front of the runner coming towards it "
                       "(front) or behind the runner going away (behind), "
                       "--camera-distance-m from the hips at their closest; front and behind "
                       "take no --camera pan or --direction rtl")
    scene.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    # --height is the runner's height everywhere else in posecheck: the frame gets its own names
    scene.add_argument("--frame-width", dest="width", type=int, default=1280,
                       help="frame width, px (default 1280)")
    scene.add_argument("--frame-height", dest="height", type=int, default=720,
                       help="frame height, px (default 720)")
    scene.add_argument("--seconds", type=float, default=2.0, help="clip length (default 2)")
    scene.add_argument("--seed", type=int, default=0, help="colours and noise (default 0)")
    scene.add_argument("--background", choices=BACKGROUNDS, default="park",
                       help="scenery (default park)")
    scene.add_argument("--noise", type=float, default=2.0,
                       help="sensor noise, grey levels (default 2)")
    scene.add_argument("--blur-px", type=float, default=0.0, help="Gaussian blur sigma, px")
    scene.add_argument("--camera-distance-m", type=float, default=6.0,
                       help="camera to path distance, m (default 6)")
    scene.add_argument("--treadmill", action="store_true", help="run on a treadmill belt")
    scene.add_argument("--runner-height-m", type=float, default=1.75,
                       help="the runner's height, m (default 1.75)")
    scene.add_argument("--sex", choices=("male", "female"), default="male",
                       help="de Leva segment masses (default male)")
    scene.add_argument("--variability", action="store_true",
                       help="steps vary in duration (step time CV "
                       f"{REALISTIC_STEP_TIME_CV:g}, seeded; --step-time-cv sets another)")
    technique = parser.add_argument_group("technique overrides (defaults from the preset)")
    technique.add_argument(
        "--walk", action="store_true",
        help=f"walk instead of run: double support and no flight ({WALKING['speed_mps']:g} m/s, "
        f"{WALKING['cadence_spm']:g} steps/min, duty factor {WALKING['duty_factor']:g}, and the "
        "knees, feet and arms of a walk) over the preset's; the options below still override "
        f"(a walk's duty factor is {WALKING_DUTY[0]:g}-{WALKING_DUTY[1]:g})")
    for option, field in GAIT_OPTIONS.items():
        technique.add_argument(option, type=float, default=None,
                               help=f"GaitParams.{field} (default: the preset's)")
    parser.set_defaults(func=run)


def spec_from_args(args: argparse.Namespace) -> ClipSpec:
    """The ClipSpec an argparse namespace asks for."""
    overrides = {field: getattr(args, option[2:].replace("-", "_"))
                 for option, field in GAIT_OPTIONS.items()}  # fmt: skip
    if args.variability and overrides["step_time_cv"] is None:
        overrides["step_time_cv"] = REALISTIC_STEP_TIME_CV
    if args.walk:  # the walk's values, then the options given
        overrides = {**WALKING, **{k: v for k, v in overrides.items() if v is not None}}
    gait = preset_params(args.preset, treadmill=args.treadmill or None, **overrides)
    style = SceneStyle(background=args.background, noise_sigma=args.noise,
                       blur_sigma_px=args.blur_px, treadmill=args.treadmill)  # fmt: skip
    return ClipSpec(
        gait=gait, preset=args.preset, height_m=args.runner_height_m, sex=args.sex,
        direction=args.direction, camera=args.camera, fps=args.fps, width=args.width,
        height=args.height, seconds=args.seconds, seed=args.seed,
        camera_distance_m=args.camera_distance_m, style=style, view=args.view,
    )  # fmt: skip


def write_sample_videos(folder: Path) -> list[Path]:
    """Render the sample clips (deterministic) into ``folder``."""
    written = []
    for name, preset, overrides in SAMPLE_VIDEOS:
        spec = ClipSpec(gait=preset_params(preset), preset=preset, **overrides)
        written.append(SyntheticClip(spec).write(folder / name))
    return written


def run(args: argparse.Namespace) -> int:
    if args.list_presets:
        for name, values in PRESETS.items():
            print(name + ": " + ", ".join(f"{k}={v:g}" for k, v in values.items()))
        return 0
    if args.sample_videos is not None:
        for path in write_sample_videos(args.sample_videos):
            print(path)
        return 0
    if args.preset is None or args.output is None:
        raise PosecheckError("give a preset and -o OUTPUT.mp4 (or --list-presets)")
    clip = SyntheticClip(spec_from_args(args))
    path = clip.write(args.output)
    metrics = clip.truth_info()["metrics"]
    print(f"{path}  ({len(clip.time_s)} frames; truth beside it)")
    for key in ("whole_body_lean_deg", "knee_flexion_ic_deg", "foot_landing_from_com_m",
                "cadence_spm"):  # fmt: skip
        print(f"  {key} = {metrics[key]:.2f}")
    return 0
