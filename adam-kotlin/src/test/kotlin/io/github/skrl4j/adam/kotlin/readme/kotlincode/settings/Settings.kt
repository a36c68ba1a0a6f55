package io.github.skrl4j.adam.kotlin.readme.kotlincode.settings

// README snippet begin: kotlin settings
import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.NonFinitePolicy
import io.github.skrl4j.adam.kotlin.adam
import io.github.skrl4j.adam.kotlin.count
import io.github.skrl4j.adam.kotlin.gradientNorm
import io.github.skrl4j.adam.schedule.Schedules

val value: Adam = adam(lr = 5e-4, gradNormClip = 0.5)        // named arguments, the rest skrl's defaults

val policy: Adam = adam {
    name = "policy"
    gradNormClip = 0.5
    scale = false                                             // every step is given its lr (skrl's PPO)
    nonFinite = NonFinitePolicy.SKIP
    listener { println("step ${it.count}: norm ${it.gradientNorm}") }
}

val warmedUp: Adam = adam(schedule = Schedules.warmupCosineDecay(0.0, 1e-3, 100, 10_000, 1e-5, 1.0))
// README snippet end
