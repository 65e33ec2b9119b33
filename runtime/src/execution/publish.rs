//! The `Publish` command: verification, linking against the published packages, and `init`.

use super::*;

impl<'r, 'l> Run<'r, 'l> {
    pub(super) fn publish(
        &mut self,
        modules: &[Vec<u8>],
        deps: &[ObjectID],
    ) -> Result<Vec<Val>, ExecutionFailure> {
        let perr = |e: verifier::PublishError| ExecutionFailure::PublishError(e.to_string());
        let size: usize = modules.iter().map(Vec::len).sum();
        if modules.is_empty() {
            return fail(ExecutionFailure::PublishError(
                "a package needs at least one module".into(),
            ));
        }
        if size > limits::MAX_PACKAGE_SIZE {
            return fail(ExecutionFailure::PublishError(format!(
                "package of {size} bytes exceeds {}",
                limits::MAX_PACKAGE_SIZE
            )));
        }
        self.charge_bytes(size * 4)?;
        let package_id = self.ctx.fresh_id();
        let mut compiled = vec![];
        for (index, bytes) in modules.iter().enumerate() {
            let mut m = CompiledModule::deserialize(bytes).map_err(|e| {
                perr(verifier::PublishError::Malformed {
                    index,
                    reason: format!("{:?}", e.major_status()),
                })
            })?;
            let self_addr = *m.address();
            if self_addr != AccountAddress::ZERO {
                return fail(perr(verifier::PublishError::Linkage(format!(
                    "module {} has address {self_addr}; packages are published from address 0x0",
                    m.self_id().name()
                ))));
            }
            for a in m.address_identifiers.iter_mut() {
                if *a == AccountAddress::ZERO {
                    *a = crate::seam::to_vm_address(package_id);
                }
            }
            compiled.push(m);
        }
        for m in &compiled {
            for dep in m.immediate_dependencies() {
                let dep_pkg = crate::seam::from_vm_address(*dep.address());
                if dep_pkg != package_id
                    && !deps.contains(&dep_pkg)
                    && dep_pkg != ObjectID::STD
                    && dep_pkg != ObjectID::FRAMEWORK
                {
                    return fail(perr(verifier::PublishError::Linkage(format!(
                        "module {} uses {dep}, whose package {dep_pkg} is not among the dependencies",
                        m.self_id().name()
                    ))));
                }
            }
            verifier::verify_module(m).map_err(perr)?;
        }
        for d in deps {
            match self.resolver.get_object(d) {
                Some(o) if o.as_package().is_some() => {}
                _ => {
                    return fail(perr(verifier::PublishError::Linkage(format!(
                        "dependency {d} is not a published package"
                    ))))
                }
            }
        }
        let compiled = crate::build::dependency_order(compiled);
        let mut bundle = vec![];
        let mut map = BTreeMap::new();
        for m in &compiled {
            let mut b = vec![];
            m.serialize(&mut b)
                .map_err(|e| ExecutionFailure::PublishError(e.to_string()))?;
            map.insert(m.self_id().name().to_string(), b.clone());
            bundle.push(b);
        }
        self.published.push(MovePackage {
            id: package_id,
            version: 1,
            modules: map,
        });
        self.session
            .publish_module_bundle(
                bundle,
                crate::seam::to_vm_address(package_id),
                &mut self.gas,
            )
            .map_err(|e| {
                ExecutionFailure::PublishError(format!(
                    "{:?}: {}",
                    e.major_status(),
                    e.message().cloned().unwrap_or_default()
                ))
            })?;
        for m in &compiled {
            let Some(with_witness) = verifier::init_takes_witness(m) else {
                continue;
            };
            self.set_event_source(package_id, m.self_id().name().to_string());
            let mut args = vec![];
            if with_witness {
                args.push(vec![1u8]);
            }
            args.push(bcs::to_bytes(&self.ctx).expect("serializes"));
            let id = m.self_id();
            let r = self
                .session
                .execute_function_bypass_visibility(
                    &id,
                    IdentStr::new("init").expect("valid"),
                    vec![],
                    args,
                    &mut self.gas,
                )
                .map_err(|e| self.vm_failure(&e))?;
            for (_, bytes, _) in r.mutable_reference_outputs {
                if let Ok(ctx) = bcs::from_bytes::<TxContext>(&bytes) {
                    self.ctx = ctx;
                }
            }
        }
        // The UpgradeCap: { id: UID, package: ID, version: u64, policy: u8 }.
        let cap_id = self.ctx.fresh_id();
        self.runtime().record_new_id(cap_id);
        let mut bytes = cap_id.into_inner().to_vec();
        bytes.extend_from_slice(&package_id.into_inner());
        bytes.extend_from_slice(&1u64.to_le_bytes());
        bytes.push(0);
        let ty = TypeTag::Struct(StructTag {
            address: crate::seam::to_vm_address(ObjectID::FRAMEWORK),
            module: Identifier::new("package").expect("valid"),
            name: Identifier::new("UpgradeCap").expect("valid"),
            type_params: vec![],
        });
        let abilities = self.abilities(&ty)?;
        Ok(vec![Val {
            ty,
            bytes,
            abilities,
        }])
    }
}
