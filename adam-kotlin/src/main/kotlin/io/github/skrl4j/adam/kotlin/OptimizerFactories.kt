package io.github.skrl4j.adam.kotlin

import io.github.skrl4j.adam.Adam
import io.github.skrl4j.adam.Model
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.spring.OptimizerFactory
import kotlin.properties.PropertyDelegateProvider
import kotlin.properties.ReadOnlyProperty

// In a file of its own: the Spring Boot starter is an optional dependency, and only this file needs it.

/**
 * The settings of the configured optimizer [name] ([OptimizerFactory.config]): `optimizerFactory["policy"].lr`.
 *
 * @throws IllegalArgumentException if no instance of that name is configured
 */
public operator fun OptimizerFactory.get(name: String): Adam = config(name)

/**
 * A property delegate that creates the optimizer named like the property, with the settings of
 * `skrl.optim.adam.instances.<property name>.*`, registered and metered as [OptimizerFactory.create]
 * does:
 *
 * ```
 * val policy: Optimizer by optimizerFactory.optimizer(policyParams)
 * ```
 *
 * The optimizer is created when the property is declared (so a missing instance stops the bean that
 * declares it, at start-up) and the property always returns that same optimizer.
 *
 * @throws IllegalArgumentException if no instance is named like the property, or the model has no parameters
 */
public fun OptimizerFactory.optimizer(model: Model): PropertyDelegateProvider<Any?, ReadOnlyProperty<Any?, Optimizer>> =
    PropertyDelegateProvider { _, property ->
        val optimizer = create(property.name, model)
        ReadOnlyProperty { _, _ -> optimizer }
    }
