"""Body segment parameters from de Leva (1996), the one table posecheck's centre of mass uses.

de Leva P (1996) "Adjustments to Zatsiorsky-Seluyanov's segment inertia parameters", J Biomech
29:1223-1230. The measured CoM (:mod:`posecheck.gait.com`) and the synthetic runner's true CoM
(:mod:`posecheck.synth.body`) both read it, so the two can never drift apart.
"""

#: Segment mass in % of body mass, (male, female).
SEGMENT_MASS_PCT = {
    "head": (6.94, 6.68),
    "trunk": (43.46, 42.57),
    "upper_arm": (2.71, 2.55),
    "forearm": (1.62, 1.38),
    "hand": (0.61, 0.56),
    "thigh": (14.16, 14.78),
    "shank": (4.33, 4.81),
    "foot": (1.37, 1.29),
}

#: Segment CoM as a fraction of the way from its proximal to its distal end, (male, female).
#: Trunk: from the top (de Leva measures from the suprasternale, near shoulder height);
#: hand: wrist to the knuckles; foot: heel to toe tip. The head+neck CoM is taken at the head's
#: centre by each user.
SEGMENT_COM_FRACTION = {
    "trunk": (0.5138, 0.4964),
    "upper_arm": (0.5772, 0.5754),
    "forearm": (0.4574, 0.4559),
    "hand": (0.7900, 0.7474),
    "thigh": (0.4095, 0.3612),
    "shank": (0.4459, 0.4416),
    "foot": (0.4415, 0.4014),
}
