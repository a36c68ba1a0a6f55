package io.github.skrl4j.adam.kotlin.readme.kotlincode.schedules

// README snippet begin: kotlin schedule invoke
import io.github.skrl4j.adam.kotlin.invoke
import io.github.skrl4j.adam.schedule.Schedules

fun printWarmUp() {
    val lr = Schedules.warmupCosineDecay(0.0, 1e-3, 100, 10_000, 1e-5, 1.0)
    println("${lr(0)} ${lr(50)} ${lr(100)} ${lr(10_000)}")   // 0.0 5.0E-4 0.001 1.0E-5
}
// README snippet end
