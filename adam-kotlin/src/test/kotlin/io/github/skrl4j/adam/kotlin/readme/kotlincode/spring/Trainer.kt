package io.github.skrl4j.adam.kotlin.readme.kotlincode.spring

// README snippet begin: kotlin spring
import io.github.skrl4j.adam.Optimizer
import io.github.skrl4j.adam.Tensors
import io.github.skrl4j.adam.kotlin.get
import io.github.skrl4j.adam.kotlin.lr
import io.github.skrl4j.adam.kotlin.optimizer
import io.github.skrl4j.adam.kotlin.tensors
import io.github.skrl4j.adam.spring.OptimizerFactory
import org.springframework.stereotype.Service

@Service
class Trainer(optimizers: OptimizerFactory) {
    val policyParams: Tensors = tensors("w" to FloatArray(256), "b" to FloatArray(64))
    val valueParams: Tensors = tensors("w" to FloatArray(64), "b" to FloatArray(1))

    // skrl.optim.adam.instances.policy.*, named by the property; created (and metered) with the bean
    val policy: Optimizer by optimizers.optimizer(policyParams)

    // the factory's own create, the model as a lambda
    val value: Optimizer = optimizers.create("value") { valueParams }

    val configuredPolicyLr: Double = optimizers["policy"].lr
}
// README snippet end
